export * from './access-token';
export * from './identity-headers';
export * from './principal';
export * from './middleware';
export * from './settings';
