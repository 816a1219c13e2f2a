import { describe, expect, it } from "vitest";
import { loadConfig, withoutPassword } from "../../src/config.ts";
import { shownLocation, storeLocation } from "../../src/store/db.ts";

describe("configuration", () => {
  it("When neither MIXCAST_DATABASE_URL nor MIXCAST_QUEUE_URL is set, then the store is the SQLite folder and jobs run in threads", () => {
    const c = loadConfig({});
    expect(storeLocation(c)).toBe("./var");
    expect(c.MIXCAST_QUEUE_URL).toBeUndefined();
  });

  it("When a database URL is set, then it is the store; a URL of another kind is refused with the variable's name", () => {
    const c = loadConfig({ MIXCAST_DATABASE_URL: "postgres://mixcast:s3cret@db:5432/mixcast", MIXCAST_DATA_DIR: "/data" });
    expect(storeLocation(c)).toBe("postgres://mixcast:s3cret@db:5432/mixcast");
    expect(() => loadConfig({ MIXCAST_DATABASE_URL: "mysql://db/mixcast" })).toThrow(/MIXCAST_DATABASE_URL="mysql:\/\/db\/mixcast": a postgres:\/\//);
    expect(() => loadConfig({ MIXCAST_FORECAST_SHARD_SERIES: "0" })).toThrow(/MIXCAST_FORECAST_SHARD_SERIES/);
  });

  it("When a URL is shown in logs or /healthz, then its password is not", () => {
    expect(withoutPassword("postgres://mixcast:s3cret@db:5432/mixcast")).toBe("postgres://mixcast:***@db:5432/mixcast");
    expect(withoutPassword("redis://:s3cret@queue:6379")).toBe("redis://:***@queue:6379");
    expect(withoutPassword("redis://127.0.0.1:6379")).toBe("redis://127.0.0.1:6379");
    expect(shownLocation("postgresql://u:p@h/db")).toBe("postgresql://u:***@h/db");
    expect(shownLocation("./var")).toBe("./var");
  });
});
