/** Injection token of the TokenVault (@tongxin/access): access-token hashes, apart from the log. */
export const TOKEN_VAULT = Symbol('TOKEN_VAULT');
