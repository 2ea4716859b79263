export * from './signing-key';
export * from './access-token-signer';
