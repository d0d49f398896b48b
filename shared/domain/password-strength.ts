/**
 * Whether a password is one people (and so attackers' lists) pick: zxcvbn's estimate against its
 * common dictionaries (passwords, names, English words, keyboard patterns, dates), with the account's
 * own email, name and username as more words to avoid. Imported only where a password is set, and
 * there lazily (services/password-strength.ts): the dictionaries cost ~80 ms to load.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_POLICY } from './password.ts';

let estimator: ZxcvbnFactory | undefined;

export function isGuessable(password: string, userInputs: string[]): boolean {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator.check(password, userInputs).score < PASSWORD_POLICY.minScore;
}
