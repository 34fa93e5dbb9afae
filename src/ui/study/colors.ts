// One colour per fold, shared by the loss charts and their legend.
export const FOLD_COLORS = ['#2f6fde', '#d9480f', '#1d8a4b', '#9c36b5', '#c2255c', '#0c8599', '#e67700', '#5c7cfa', '#495057', '#2b8a3e', '#862e9c', '#a61e4d']
