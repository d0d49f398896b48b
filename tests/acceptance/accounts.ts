/**
 * Accounts for the acceptance suite, in one place: sign-up, sign-in and deleting one's own account
 * (the steps that change when deletion needs the current password), and the record of everything
 * the suite creates so that `cleanUp` deletes it after the run, whether the tests passed or not.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { type ApiResponse, type Client, clientFor, type Target } from './target.ts';

export const PASSWORD = 'Acceptance-Run-7!';

/** A fresh tag: the emails, usernames and keys the suite makes are unmistakably its own. */
export const unique = () => `acc${randomBytes(5).toString('hex')}`;
export const newEmail = () => `${unique()}@example.com`;
/** A random 10-digit phone (one record per phone: meeting a real record's phone is a 1-in-10^10 chance each). */
export const newPhone = () => String(randomInt(1_000_000_000, 10_000_000_000));

export interface Account {
  id: string;
  email: string;
  username?: string;
  password: string;
  token: string;
  refreshToken: string;
}

type SignedIn = { user: { user_id: string; role: string }; access_token: string; refresh_token: string };

/** POST /auth/login → 200 with the user and a token pair, or the error; with `totpSecret`, through the second-factor step. */
export async function signIn(client: Client, login: { email: string } | { username: string }, password = PASSWORD, totpSecret?: string) {
  const res = await client.post<SignedIn & { challenge?: string }>('/auth/login', { ...login, password });
  if (!(res.status === 200 && res.body.challenge && totpSecret)) return res;
  const code = new TOTP({ secret: Secret.fromBase32(totpSecret) }).generate();
  return client.post<SignedIn>('/auth/login/mfa', { challenge: res.body.challenge, code });
}

/** Everything the suite made that would outlive it. */
export class Created {
  private readonly accounts = new Map<string, Account>();
  private readonly payments = new Map<string, Account>();
  private readonly usersByAdmin = new Set<string>();

  private strict?: Client;
  private admin?: Promise<string>;
  constructor(private readonly target: Target) {}
  /** Made on first use: a local target's address is known only once its gateway listens. */
  private client() {
    this.strict ??= clientFor(this.target);
    return this.strict;
  }

  /** The admin's access token (one sign-in per run; logged out by the clean-up), or undefined without an admin. */
  async adminToken(): Promise<string | undefined> {
    const { admin } = this.target;
    this.admin ??=
      admin &&
      signIn(this.client(), { email: admin.email }, admin.password, admin.totpSecret).then((res) => {
        expect(res.status, `admin sign-in: ${res.text}`).toBe(200);
        expect(res.body.user.role, 'ADMIN_EMAIL is not an admin').toBe('admin');
        return res.body.access_token;
      });
    return this.admin;
  }

  /**
   * POST /auth/register, then the link in the mail (POST /auth/verify), as a person signs up: `res` is
   * the verification's answer. A created account is remembered for the clean-up before anything else.
   */
  async signUp(fields: Record<string, unknown> = {}): Promise<{ res: ApiResponse; account: Account }> {
    const { verificationToken } = this.target;
    if (!verificationToken) throw new Error('signing up needs a mailbox to read the link from (a local target)');
    const email = (fields.email as string) ?? newEmail();
    const registered = await this.client().post('/auth/register', { email, password: PASSWORD, name: 'Acceptance Test', ...fields });
    expect(registered.status, registered.text).toBe(202);
    const res = await this.client().post('/auth/verify', { token: await verificationToken(email), password: PASSWORD });
    return { res, account: this.remember(res, email, fields.username as string | undefined) };
  }

  private remember(res: ApiResponse, email: string, username: string | undefined): Account {
    const account = { id: res.body?.user?.user_id, email, username, password: PASSWORD, token: res.body?.access_token, refreshToken: res.body?.refresh_token };
    if (res.status === 200) this.accounts.set(account.id, account);
    return account;
  }

  /** An account, signed in: signed up through the mail where the target has a mailbox, else made by the admin (POST /users with a password). */
  async register(fields: Record<string, unknown> = {}): Promise<Account> {
    if (this.target.verificationToken) {
      const { res, account } = await this.signUp(fields);
      expect(res.status, res.text).toBe(200);
      return account;
    }
    const adminToken = await this.adminToken();
    if (!adminToken) throw new Error('test:deployed needs ADMIN_EMAIL and ADMIN_PASSWORD (and ADMIN_TOTP_SECRET) to make its accounts');
    const email = (fields.email as string) ?? newEmail();
    // An account with a password set by an admin needs the admin's step-up (a stolen admin token must not squat an address).
    const stepUp = { current_password: this.target.admin?.password };
    const made = await this.client().post('/users', { email, password: PASSWORD, name: 'Acceptance Test', ...fields, ...stepUp }, { token: adminToken });
    expect(made.status, made.text).toBe(201);
    const res = await signIn(this.client(), { email });
    expect(res.status, res.text).toBe(200);
    return this.remember(res, email, fields.username as string | undefined);
  }

  /**
   * A request as the account: with its access token, or with a fresh sign-in when the test ended
   * that session. Undefined when the account no longer signs in: it was deleted.
   */
  private async asOwner(client: Client, account: Account, request: (token: string) => Promise<ApiResponse>): Promise<ApiResponse | undefined> {
    const res = await request(account.token);
    if (res.status !== 401) return res;
    const session = await signIn(client, { email: account.email }, account.password);
    if (session.status === 401) return undefined;
    expect(session.status, session.text).toBe(200);
    account.token = session.body.access_token;
    return request(account.token);
  }

  /** Deletes one's own account → 204; false when it was deleted already. */
  async deleteSelf(account: Account, client = this.client()): Promise<boolean> {
    const res = await this.asOwner(client, account, (token) => client.delete(`/users/${account.id}`, { token, body: { current_password: account.password } }));
    if (res) expect(res.status, res.text).toBe(204);
    this.accounts.delete(account.id);
    return res !== undefined;
  }

  payment(id: string, owner: Account) {
    this.payments.set(id, owner);
  }

  userByAdmin(id: string) {
    this.usersByAdmin.add(id);
  }

  /**
   * Pending payments first (by their owners, before the accounts go), then users made by the admin,
   * then every account (with its records and everything else it holds), and last the admin's session. Each step runs even when another fails; the failures are reported
   * together.
   */
  async cleanUp(): Promise<void> {
    const admin = () => this.adminToken();
    const client = clientFor(this.target, { checkErrors: false });
    const failures: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        failures.push(`${what}: ${error instanceof Error ? error.message : error}`);
      }
    };
    for (const [id, owner] of this.payments) {
      await attempt(`payment ${id}`, async () => {
        const remove = (token?: string) => client.delete(`/payments/${id}`, { token });
        const res = (await this.asOwner(client, owner, remove)) ?? (await remove(await admin()));
        expect([204, 404], res.text).toContain(res.status);
      });
    }
    for (const id of this.usersByAdmin) {
      await attempt(`user ${id}`, async () => expect([204, 404]).toContain((await client.delete(`/users/${id}`, { token: await admin() })).status));
    }
    for (const account of this.accounts.values()) await attempt(`account ${account.id}`, () => this.deleteSelf(account, client));
    if (this.admin)
      await attempt('admin session', async () => expect((await client.post('/auth/logout', undefined, { token: await this.admin })).status).toBe(204));
    expect(failures, 'left behind by the acceptance suite').toEqual([]);
  }
}
