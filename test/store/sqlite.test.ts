import { memoryStore } from '../helpers/assets.js';
import { storeContract } from './contract.js';

storeContract('sqlite', async () => memoryStore());
