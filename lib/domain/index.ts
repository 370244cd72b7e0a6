export * from './account';
export * from './account-number';
export * from './events';
export * from './holder-name';
export * from './money';
export * from './safe-text';
