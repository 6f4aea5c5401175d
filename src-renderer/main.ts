import { mount } from 'svelte';
import App from './App.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('main: #app element not found in index.html');

/** The mounted root component. */
export const app = mount(App, { target });
