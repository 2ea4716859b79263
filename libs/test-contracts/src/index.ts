export {
  describeIdentityModes,
  describeVerifierSettings,
  outcomeOf,
  type IdentityModeSubject,
  type Outcome,
} from './identity-modes';
