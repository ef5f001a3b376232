import type { AppContext } from '../core/context.js';
import { MatchingService } from './service.js';
import { FairService } from './fairs.js';

const services = new WeakMap<AppContext, { matching: MatchingService; fairs: FairService }>();

function of(ctx: AppContext) {
  let s = services.get(ctx);
  if (!s) {
    const matching = new MatchingService(ctx);
    s = { matching, fairs: new FairService(ctx, matching) };
    services.set(ctx, s);
  }
  return s;
}

/** The matching service of an app (one per app, so its recommendation cache is shared by every route). */
export function matchingService(ctx: AppContext): MatchingService {
  return of(ctx).matching;
}

/** The fair service of an app. */
export function fairService(ctx: AppContext): FairService {
  return of(ctx).fairs;
}

export type { MatchingService, CardView, MeetingView, RequestView, ProfileView, RecommendationView, OutcomeReport } from './service.js';
export type { FairService, FairView, AgendaView, ScheduleView, UnplacedView } from './fairs.js';
