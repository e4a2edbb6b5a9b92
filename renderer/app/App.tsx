import { useEffect } from 'react';
import { useAppStore } from '../store';
import { bridge } from '../lib/api';
import { Stepper } from '../components/Stepper';
import { ImageStep } from '../steps/ImageStep';
import { DriveStep } from '../steps/DriveStep';
import { PersistenceStep } from '../steps/PersistenceStep';
import { ReviewStep } from '../steps/ReviewStep';
import { WriteStep } from '../steps/WriteStep';
import { DoneStep } from '../steps/DoneStep';
import { StickHealthView } from '../health/StickHealthView';
import { HealthNavButton } from '../health/HealthNav';
import { MultiImageView } from '../multi/MultiImageView';
import { MultiNavButton } from '../multi/MultiNav';
import { RestoreView } from '../restore/RestoreView';
import { RestoreNavButton } from '../restore/RestoreNav';

export function App() {
  const loadAppInfo = useAppStore((s) => s.loadAppInfo);
  const handleJobEvent = useAppStore((s) => s.handleJobEvent);
  const handleAddEvent = useAppStore((s) => s.handleAddEvent);
  const handleRestoreEvent = useAppStore((s) => s.handleRestoreEvent);
  const step = useAppStore((s) => s.step);
  const view = useAppStore((s) => s.view);
  useEffect(() => {
    void loadAppInfo();
  }, [loadAppInfo]);
  // One channel for every job: each slice keeps the events of its own job id.
  useEffect(
    () =>
      bridge().onJobEvent((event) => {
        handleJobEvent(event);
        handleAddEvent(event);
        handleRestoreEvent(event);
      }),
    [handleJobEvent, handleAddEvent, handleRestoreEvent],
  );

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
            <rect x="8" y="2" width="8" height="6" rx="1" />
            <rect x="5" y="8" width="14" height="14" rx="3" />
            <path d="M9.5 15l2 2 3.5-4" />
          </svg>
          <h1>Stickwright</h1>
        </div>
        {view === 'wizard' && <Stepper />}
        <MultiNavButton />
        <HealthNavButton />
        <RestoreNavButton />
      </header>
      <main className="app-main" hidden={view !== 'wizard'}>
        {step === 'image' && <ImageStep />}
        {step === 'drive' && <DriveStep />}
        {step === 'persistence' && <PersistenceStep />}
        {step === 'review' && <ReviewStep />}
        {step === 'write' && <WriteStep />}
        {step === 'done' && <DoneStep />}
      </main>
      {view === 'health' && (
        <main className="app-main">
          <StickHealthView />
        </main>
      )}
      {view === 'multi' && (
        <main className="app-main">
          <MultiImageView />
        </main>
      )}
      {view === 'restore' && (
        <main className="app-main">
          <RestoreView />
        </main>
      )}
    </div>
  );
}
