/** The one way this code retries: a few attempts, waiting a random, doubling delay between them. */
export async function retry<T>(
  attempt: (n: number) => Promise<T>,
  options: { attempts: number; baseMs: number; retryable: (error: unknown) => boolean },
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= options.attempts || !options.retryable(error)) throw error;
      // Full jitter: concurrent writers that collided spread out instead of colliding again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * options.baseMs * 2 ** n));
    }
  }
}
