import { describeLifecycleStoreContract } from "./lifecycle-store.contract.js";
import { openSqliteStore } from "./sqlite-store.js";

describeLifecycleStoreContract("sqlite (:memory:)", async () => {
  const store = await openSqliteStore({ file: ":memory:" });
  return { store, dispose: () => store.close() };
});
