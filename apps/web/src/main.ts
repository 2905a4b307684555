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
setUnauthorizedHandler(() => {
  useAuthStore().signOut();
  if (router.currentRoute.value.name !== 'login') void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } });
});
app.mount('#app');
