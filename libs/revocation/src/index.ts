export { DenyList } from './deny-list';
export { carriesFeedSecret } from './feed-secret';
export {
  REVOCATION_FEED_PATH,
  type RevocableToken,
  type RevocationEntry,
  type RevocationFeedPage,
  type RevocationKind,
} from './revocation-entry';
export { RevocationFollower, type RevocationFollowerOptions } from './revocation-follower';
export { revocationFeedSecretSetting, revocationFollowerSettings, type RevocationFailMode } from './settings';
