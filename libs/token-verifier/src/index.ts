export * from './errors';
export * from './jwks-key-store';
export * from './access-token-verifier';
