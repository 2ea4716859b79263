import { startService } from '@jwt-msa/service-defaults';
import { consoleService } from './app';

startService(consoleService);
