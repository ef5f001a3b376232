import type { Benchmark } from './format.js';
import { planBench } from './plan.js';
import { catalogSearchBench } from './catalog-search.js';
import { catalogTokenizerBench } from './catalog-tokenizer.js';
import { companiesBench } from './companies.js';
import { catalogShowBench } from './catalog-show.js';
import { attractionBoardBench } from './attraction-board.js';
import { matchingBench } from './matching.js';
import { catalogHarvestBench } from './catalog-harvest.js';
import { catalogHttpBench } from './catalog-http.js';

/** Every benchmark `npm run bench` runs, in order. A module adds its own here (bench/<module>.ts). */
export const benchmarks: Benchmark[] = [planBench, catalogTokenizerBench, catalogSearchBench, companiesBench, catalogShowBench, attractionBoardBench, matchingBench, catalogHarvestBench, catalogHttpBench];
