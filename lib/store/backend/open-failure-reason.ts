/** Why preparing a database failed, where nothing more specific is known. */
export function schemaFailureReason(cause: unknown): string {
  const { message } = cause as { message?: string };
  return `its schema could not be created or upgraded: ${message || String(cause)}`;
}
