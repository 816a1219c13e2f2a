declare module "nblas";
