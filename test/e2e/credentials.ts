// The one credential pair of the end-to-end run: global-setup.ts starts the endpoint with
// DDB_CREDENTIALS set to it, and the SDK, AWS CLI and boto3 tests sign with it. (An external
// server, E2E_ENDPOINT, must be started with DDB_CREDENTIALS=AKIDE2EEXAMPLE:e2e-secret-access-key.)
export const DUMMY_ACCESS_KEY_ID = "AKIDE2EEXAMPLE";
export const DUMMY_SECRET_ACCESS_KEY = "e2e-secret-access-key";
