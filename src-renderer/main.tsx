import './core/zod-csp';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { wireStores } from './core/wiring';
import { App } from './views/App';
import './styles.css';

wireStores();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
