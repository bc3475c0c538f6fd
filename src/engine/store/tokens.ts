export type TokenRole = 'viewer' | 'operator' | 'approver' | 'admin';

export interface TokenRecord {
  id: number;
  name: string;
  role: TokenRole;
  signoffRoles: string[];
  createdAt: string;
}

/** API tokens, stored by hash only. */
export interface TokensStore {
  createToken(
    t: { name: string; role: TokenRole; signoffRoles: string[]; hash: string; at?: string },
    actor: string,
  ): Promise<TokenRecord>;
  findToken(hash: string): Promise<TokenRecord | undefined>;
}
