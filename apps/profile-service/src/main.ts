import { startService } from '@jwt-msa/service-defaults';
import { profileService } from './app';

startService(profileService);
