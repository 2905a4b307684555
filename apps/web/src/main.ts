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
setUnauthorizedHandler((reason) => {
  const auth = useAuthStore();
  // only a session that was on ends with a reason (App.vue then shows the sign-in page); a wrong token typed at sign-in is the form's business
  if (auth.token) auth.signOut(reason);
  else if (router.currentRoute.value.name !== 'login')
    void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } });
});
app.mount('#app');
