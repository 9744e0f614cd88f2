/** Credentials as Lambda puts them in a function's environment (the signed-call paths use them, see signed-post.ts). */
export interface EnvironmentCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The function's credentials from its environment, or undefined when they are not there (another source: the SDK's). */
export function environmentCredentials(env: NodeJS.ProcessEnv): EnvironmentCredentials | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}
