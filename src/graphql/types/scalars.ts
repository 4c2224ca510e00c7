import { DateTimeResolver, JSONObjectResolver, JSONResolver } from "graphql-scalars";

export const DateTime = DateTimeResolver;
export const JSONObject = JSONObjectResolver;
export const JSON = JSONResolver;
