/** `runner` stands apart from the others: it may claim and complete runner jobs, nothing else. */
export type TokenRole = 'viewer' | 'operator' | 'approver' | 'admin' | 'runner';

export interface TokenRecord {
  id: number;
  name: string;
  role: TokenRole;
  signoffRoles: string[];
  createdAt: string;
  /** The person who holds the token: the signer its sign-offs name. */
  person?: string;
  /** After this instant the token is refused. */
  expiresAt?: string;
  /** When it was revoked; a revoked token is refused. */
  revokedAt?: string;
  /** The last time it authenticated (kept roughly: at most one write a minute). */
  lastUsedAt?: string;
  /** A runner token's labels: the only queues it may claim jobs from. */
  labels?: string[];
}

/** API tokens, stored by hash only. */
export interface TokensStore {
  createToken(
    t: {
      name: string;
      role: TokenRole;
      signoffRoles: string[];
      hash: string;
      at?: string;
      person?: string;
      expiresAt?: string;
      labels?: string[];
    },
    actor: string,
  ): Promise<TokenRecord>;
  /** The token with this hash, revoked and expired ones included (the caller says why it is refused). */
  findToken(hash: string): Promise<TokenRecord | undefined>;
  /** Every token, oldest first. */
  listTokens(): Promise<TokenRecord[]>;
  /** Revoke a token (appends `token.revoked`); undefined when there is no token with this id. */
  revokeToken(id: number, at: string, actor: string): Promise<TokenRecord | undefined>;
  /** Note that a token authenticated (outside the audit chain: it changes no permission). */
  touchToken(id: number, at: string): Promise<void>;
}
