export { createTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
export { ADMIN_URL_VARIABLE, startTestPostgres, stopTestPostgres } from './test-postgres';
export { getFreePort } from '@jwt-msa/local-postgres';
export { expectReadmeConfigSection, ownSettings } from './readme-config';
export { migratedTestDatabase, type MigratedTestDatabase } from './migrated-test-database';
export { deadPort, recordingServer, type Recorded, type RecordingServer, type Reply } from './recording-server';
export { streamRequest, type StreamedBody, type StreamedResponse } from './streaming-client';
export { rawRequest } from './raw-request';
