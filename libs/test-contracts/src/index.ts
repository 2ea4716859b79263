export { describeIdentityModes, outcomeOf, type IdentityModeSubject, type Outcome } from './identity-modes';
