export * from './errors';
export * from './jwks-key-store';
export * from './access-token-verifier';
export * from './settings';
export * from './create-token-verifier';
export * from './forwarded-token-identity';
export * from './verified-token-cache';
