import { register } from 'node:module';

register('./catalog-harvest-noindex-hooks.mjs', import.meta.url);
