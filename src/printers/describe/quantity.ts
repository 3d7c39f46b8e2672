// The quantity module lives with the API types (the scheduler and validation use it too).
export * from '../../api/quantity.js';
