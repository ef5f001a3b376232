import { defineMessages } from '../core/i18n/index.js';

export const planMessages = defineMessages(
  {
    'plan.title': '実行プラン：国際金融・経済都市',
  },
  {
    'plan.title': 'Action plan: International Financial and Economic City',
  },
);
