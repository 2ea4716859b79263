export * from './services';
export * from './cluster-file';
