/**
 * A user's shell for the commands the e2e tests run (npm start, invoke, seed): the environment of this
 * process without the test run's own settings (its table, endpoint, secrets, keys and log level), plus `env`.
 */
export function userShell(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const {
    TABLE_NAME,
    AWS_ENDPOINT_URL_DYNAMODB,
    AWS_REGION,
    AWS_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY,
    APP_SECRET,
    POWERTOOLS_LOG_LEVEL,
    LOCAL_API_KEY,
    LOCAL_CONSOLE_KEY,
    ...inherited
  } = process.env;
  return { ...inherited, ...env };
}
