import { startService } from '@jwt-msa/service-defaults';
import { authService } from './app';

startService(authService);
