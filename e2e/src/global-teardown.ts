import { loadSharedClusterModule } from './global-setup';

export default () => loadSharedClusterModule().stopSharedCluster();
