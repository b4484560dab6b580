// The dashboard's credentials. A link (/看板 in a chat) and a session cookie are both
// "<random>.<HMAC>": 32 random bytes, signed with the deployment's secret for their purpose, so a
// tampered or made-up token is refused before the store is asked, and a link cannot be presented
// as a cookie. The store keeps only each token's hash and decides, in one statement, whether a
// link is still unused and unexpired and whether a session is still open.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { DashboardStore, DashboardPerson, DashboardSessionRow } from "../store/dashboard.js";

/** Where the page lives on the bot's HTTP server. */
export const DASHBOARD_PATH = "/dashboard";

/** How long a link from /看板 can be opened: long enough to tap it, short enough not to be kept. */
export const LINK_TTL_MS = 10 * 60_000;
/** How long a session lasts once opened: a sitting at the desk, then /看板 again. */
export const SESSION_TTL_MS = 2 * 60 * 60_000;

type Purpose = "link" | "session";

export class DashboardAuth {
  private secret: Promise<Buffer> | null = null;

  constructor(
    private readonly store: DashboardStore,
    /** DASHBOARD_SECRET when set (every process must share it); else one kept in the store. */
    private readonly configuredSecret?: string,
  ) {}

  private key(): Promise<Buffer> {
    this.secret ??= (this.configuredSecret ? Promise.resolve(this.configuredSecret) : this.store.secret()).then((s) => Buffer.from(s));
    // A failed read (the store busy at start) is tried again next time.
    this.secret.catch(() => (this.secret = null));
    return this.secret;
  }

  private async sign(purpose: Purpose): Promise<string> {
    const random = randomBytes(32).toString("base64url");
    return `${random}.${createHmac("sha256", await this.key())
      .update(`${purpose}:${random}`)
      .digest("base64url")}`;
  }

  /** Whether a token carries a valid signature for its purpose (the store is not asked). */
  async signed(purpose: Purpose, token: string | undefined): Promise<boolean> {
    const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(token ?? "");
    if (!m) return false;
    const expected = createHmac("sha256", await this.key())
      .update(`${purpose}:${m[1]}`)
      .digest();
    const given = Buffer.from(m[2], "base64url");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** A new single-use link token for this person; returns it with its expiry. */
  async issueLink(person: DashboardPerson): Promise<{ token: string; expiresAt: Date }> {
    const token = await this.sign("link");
    return { token, expiresAt: await this.store.createLink(token, person, LINK_TTL_MS) };
  }

  /**
   * Opens a session with a link: the link is used up whatever happens next. Returns the session's
   * cookie token, or why the link did not open.
   */
  async openSession(
    linkToken: string | undefined,
  ): Promise<{ token: string; person: DashboardPerson } | { refused: "invalid" | "used" | "expired" }> {
    if (!(await this.signed("link", linkToken))) return { refused: "invalid" };
    const person = await this.store.redeemLink(linkToken!);
    if (!person) {
      const state = await this.store.linkState(linkToken!);
      return { refused: state === "unknown" ? "invalid" : state };
    }
    const token = await this.sign("session");
    await this.store.createSession(token, person, SESSION_TTL_MS);
    return { token, person };
  }

  /** The open session a cookie names, or null (tampered, unknown, expired or revoked). */
  async session(cookieToken: string | undefined): Promise<DashboardSessionRow | null> {
    if (!(await this.signed("session", cookieToken))) return null;
    return this.store.session(cookieToken!);
  }

  revoke(cookieToken: string): Promise<void> {
    return this.store.revokeSession(cookieToken);
  }
}
