export * from './timestamps.js';
export * from './page-token.js';
export * from './enums.js';
export * from './update-mask.js';
export * from './reading-identity.js';
export * from './custom-sensor.js';
export * from './control-characters.js';
export * from './field-rules.js';
