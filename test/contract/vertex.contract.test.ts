import { startFakeAdapter } from "../vertex/harness.js";
import { describeAdapterContract } from "./registry-adapter.contract.js";

// The Vertex AI adapter against the in-process ModelService fake (test/peers/vertex), built from
// Google's own protos; a fresh fake per run, stopped when the suite is done.
describeAdapterContract("vertex", async () => {
  const { adapter, fake } = await startFakeAdapter();
  return { adapter, dispose: () => fake.stop() };
}, { deleteVersion: true, copyMarker: true });
