import { useEffect } from 'react';
import { useAppStore } from '../store';
import { ImageStep } from '../steps/ImageStep';
import { PlatformNotice } from '../components/PlatformNotice';

export function App() {
  const loadAppInfo = useAppStore((s) => s.loadAppInfo);
  useEffect(() => {
    void loadAppInfo();
  }, [loadAppInfo]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Stickwright</h1>
        <p className="tagline">Live USB sticks with persistence</p>
      </header>
      <main>
        <ImageStep />
      </main>
      <footer>
        <PlatformNotice />
      </footer>
    </div>
  );
}
