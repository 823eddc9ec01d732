import { POSTGRES } from '../postgres/postgres-kind';
import { SQLITE } from '../sqlite/sqlite-kind';
import type { BackendKind } from './backend-kind';

/** The databases the store runs on. A backend in a new folder is made available by adding it here. */
export const BACKEND_KINDS: readonly BackendKind[] = [SQLITE, POSTGRES];
