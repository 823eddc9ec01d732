import { migrateToLatest } from '../migrations/migrate-to-latest';
import type { StoreBackend } from './store-backend';

/** Creates the backend's namespace if needed, then creates or upgrades eventfold's tables in it. */
export async function prepareBackend(backend: StoreBackend): Promise<void> {
  await backend.createNamespace();
  await migrateToLatest(backend);
}
