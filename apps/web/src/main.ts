import { createApp } from 'vue';
import { createPinia } from 'pinia';
import { VueQueryPlugin } from '@tanstack/vue-query';
import App from './App.vue';
import { router } from './router';
import { queryClient } from './queryClient';
import { setUnauthorizedHandler } from './api/client';
import { useAuthStore } from './stores/auth';
import './style.css';

const app = createApp(App).use(createPinia()).use(router).use(VueQueryPlugin, { queryClient });
// a live stream's last event gives only the reason (sse.ts): say whose token, as the API's 401 does
const STREAM_ENDS: Record<string, string> = { 'token revoked': 'was revoked', 'token expired': 'expired' };
setUnauthorizedHandler((reason) => {
  const auth = useAuthStore();
  // only a session that was on ends with a reason (App.vue then shows the sign-in page); a wrong token typed at sign-in is the form's business
  if (auth.token) auth.signOut(STREAM_ENDS[reason] ? `token "${auth.name ?? ''}" ${STREAM_ENDS[reason]}: the live stream ended` : reason);
  else if (router.currentRoute.value.name !== 'login')
    void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } });
});
app.mount('#app');
