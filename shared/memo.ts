/** The one way this code remembers a value it made on first use (a setting, a key, a schema, a secret). */

/** Made on first use, then kept. */
export function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * A promise made on first use and kept, unless it rejects: then it is forgotten, so the next call
 * tries again (a secret the extension could not serve this time is read again by the next request).
 */
export function onceUnlessRejected<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    if (!made) {
      const attempt = make();
      made = attempt;
      attempt.catch(() => {
        if (made === attempt) made = undefined;
      });
    }
    return made;
  };
}
