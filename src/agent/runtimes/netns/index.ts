export { NetnsRuntime, type NetnsRuntimeOptions, attachmentOf, validateInstanceSpec } from './netns-runtime.js';
export { instanceNamespace, poolNamespace } from './netns-scripts.js';
