/**
 * Whether a password is one people (and so attackers' lists) pick: zxcvbn's estimate against its
 * common dictionaries (passwords, names, English words, keyboard patterns, dates), with the account's
 * own email, name and username as more words to avoid. The library and its dictionaries are imported
 * on the first estimate, where a password is set: they cost ~100 ms to load, and a function ships them
 * as files of their own (infra/bundling.ts, LAZY_LIBRARIES), so its other requests never read them.
 */
import { PASSWORD_POLICY } from './password.ts';

/** Whether zxcvbn scores `password` guessable, `userInputs` counted as words an attacker knows. */
export type GuessabilityCheck = (password: string, userInputs: string[]) => boolean;

let check: Promise<GuessabilityCheck> | undefined;

const load = async (): Promise<GuessabilityCheck> => {
  const [{ ZxcvbnFactory }, { adjacencyGraphs, dictionary }] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
  const estimator = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return (password, userInputs) => estimator.check(password, userInputs).score < PASSWORD_POLICY.minScore;
};

/** The check, its libraries loaded on the first call. */
export const guessabilityCheck = (): Promise<GuessabilityCheck> => (check ??= load());
