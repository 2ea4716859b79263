import { startService } from '@jwt-msa/service-defaults';
import { catalogService } from './app';

startService(catalogService);
