export { UserError, userError, isUserError } from './user-error.js';
export { editDistance, closestNames, didYouMean } from './suggest.js';
