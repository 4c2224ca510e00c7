import { describeAdapterContract } from "./registry-adapter.contract.js";
import { motoAdapter } from "../sagemaker/helpers.js";

// The suite names its models `ct<random>-…`: a fresh prefix per run on the shared moto server, in
// a region no other test file uses. moto has no DeleteModelPackageGroup, so nothing is removed:
// the server's state ends with the run. moto has no DeleteModelPackage either, so the adapter's
// deleteVersion (DeleteModelPackage) cannot run against it (deleteVersion left out).
describeAdapterContract("sagemaker", async () => {
  const adapter = await motoAdapter("ap-southeast-2", {}, { id: "contract-sagemaker" });
  return { adapter, dispose: async () => {} };
}, { copyMarker: true });
