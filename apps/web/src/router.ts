import { createRouter, createWebHistory } from 'vue-router';

export const router = createRouter({
  history: createWebHistory(),
  routes: [{ path: '/', name: 'dashboard', component: () => import('./pages/DashboardPage.vue') }],
});
