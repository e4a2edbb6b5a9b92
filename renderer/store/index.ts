// One zustand store built from slices; plain serialisable data, actions beside their state.
import { create } from 'zustand';
import { createImageSlice, type ImageSlice } from './imageSlice';
import { createAppInfoSlice, type AppInfoSlice } from './appInfoSlice';

export type AppState = ImageSlice & AppInfoSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createImageSlice(...a),
  ...createAppInfoSlice(...a),
}));
