using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class MembersApi : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_members_SiteId_NormalizedEmail",
                table: "members");

            migrationBuilder.AddColumn<long>(
                name: "LastLoginAt",
                table: "members",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Nickname",
                table: "members",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Privacy",
                table: "members",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Slug",
                table: "members",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            // The profile's nickname and privacy status become columns the Members API filters on, and its slug a
            // column unique per site (docs/wire/members.md#one-record). Members of an older build carry them in
            // profile_json: they are copied over. A slug is kept when it already is a slug (ASCII letters, digits,
            // '-', '_', '.', lower-cased) and no member of the site with a smaller id holds it; otherwise the member
            // has none until one is set through the Members API.
            migrationBuilder.Sql(
                """
                UPDATE members SET
                    "Nickname" = profile_json::jsonb ->> 'nickname',
                    "Privacy" = CASE upper(profile_json::jsonb ->> 'privacyStatus') WHEN 'PUBLIC' THEN 1 WHEN 'PRIVATE' THEN 2 ELSE 0 END;
                UPDATE members SET "Slug" = lower(btrim(profile_json::jsonb ->> 'slug'))
                WHERE jsonb_typeof(profile_json::jsonb -> 'slug') = 'string'
                    AND lower(btrim(profile_json::jsonb ->> 'slug')) ~ '^[a-z0-9._-]{1,255}$';
                UPDATE members m SET "Slug" = NULL
                WHERE "Slug" IS NOT NULL AND EXISTS (SELECT 1 FROM members o WHERE o."SiteId" = m."SiteId" AND o."Slug" = m."Slug" AND o."Id" < m."Id");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_members_SiteId_CreatedAt",
                table: "members",
                columns: new[] { "SiteId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_members_SiteId_NormalizedEmail",
                table: "members",
                columns: new[] { "SiteId", "NormalizedEmail" },
                unique: true)
                .Annotation("Npgsql:IndexOperators", new[] { null, "text_pattern_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_members_SiteId_Slug",
                table: "members",
                columns: new[] { "SiteId", "Slug" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_members_SiteId_CreatedAt",
                table: "members");

            migrationBuilder.DropIndex(
                name: "IX_members_SiteId_NormalizedEmail",
                table: "members");

            migrationBuilder.DropIndex(
                name: "IX_members_SiteId_Slug",
                table: "members");

            migrationBuilder.DropColumn(
                name: "LastLoginAt",
                table: "members");

            migrationBuilder.DropColumn(
                name: "Nickname",
                table: "members");

            migrationBuilder.DropColumn(
                name: "Privacy",
                table: "members");

            migrationBuilder.DropColumn(
                name: "Slug",
                table: "members");

            migrationBuilder.CreateIndex(
                name: "IX_members_SiteId_NormalizedEmail",
                table: "members",
                columns: new[] { "SiteId", "NormalizedEmail" },
                unique: true);
        }
    }
}
